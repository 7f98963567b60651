package org.denoiselab.eval;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.denoiselab.pipeline.store.ObjectLayout;
import org.denoiselab.pipeline.store.ObjectStoreException;
import org.denoiselab.service.Pipeline;

/**
 * Which epochs of a run have a grid in the store, by listing {@code runs/{run}/grids/} (the samplers store
 * them; the eval service does not follow the samples topic as a view). A listing is reused for a few
 * seconds, so a page refreshed by several browsers asks the store once.
 */
@ApplicationScoped
public class GridIndex {
    static final long TTL_NANOS = 4_000_000_000L;

    @Inject
    Pipeline pipeline;

    private record Listing(long at, List<Integer> epochs) {}

    private final Map<String, Listing> cache = new ConcurrentHashMap<>();

    /** epochs with a grid, ascending; empty when the store cannot be listed just now */
    public List<Integer> epochs(String runId) {
        long now = System.nanoTime();
        Listing l = cache.get(runId);
        if (l != null && now - l.at() < TTL_NANOS) {
            return l.epochs();
        }
        List<Integer> epochs;
        try {
            String prefix = ObjectLayout.runPrefix(runId) + "grids/";
            epochs = pipeline.store().list(prefix).stream()
                    .filter(k -> k.endsWith(".png"))
                    .map(ObjectLayout::epochOf)
                    .sorted()
                    .toList();
        } catch (ObjectStoreException | IllegalArgumentException e) {
            return l == null ? List.of() : l.epochs();
        }
        cache.put(runId, new Listing(now, epochs));
        return epochs;
    }
}
