package org.denoiselab.science.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A value a request chooses by name (a prediction target, a solver, a dataset kind, ...). Every such
 * choice is an enum of the science module that implements this interface, so the allowed values live in
 * one place: the request validator, the JSON mapper and the run specs all read them from the enum, and
 * adding a solver or a dataset kind is one enum constant plus its code.
 */
public interface Choice {
    /** the name requests, events and run ids use */
    String label();

    /** other accepted spellings (compared ignoring case, like the label) */
    default List<String> aliases() {
        return List.of();
    }

    /**
     * The constant of {@code type} whose label or alias is {@code text} (case and surrounding blanks
     * ignored).
     *
     * @throws IllegalArgumentException "unknown value 'text', expected one of a, b, c" when none is
     */
    static <E extends Enum<E> & Choice> E parse(Class<E> type, String text) {
        if (text != null) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            for (E e : type.getEnumConstants()) {
                if (e.label().toLowerCase(Locale.ROOT).equals(t)
                        || e.aliases().stream()
                                .anyMatch(a -> a.toLowerCase(Locale.ROOT).equals(t))) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException(
                (text == null ? "missing" : "unknown value '" + text + "'") + ", expected one of " + labels(type));
    }

    /** "a, b, c": the labels of every constant, in declaration order */
    static <E extends Enum<E> & Choice> String labels(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choice::label).collect(Collectors.joining(", "));
    }

    /** the labels of every constant, in declaration order */
    static <E extends Enum<E> & Choice> List<String> labelList(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choice::label).toList();
    }
}
