package org.denoiselab.science.tensor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The build fails when code outside {@link Scalars} and {@link Tensors} hands PyTorch memory that Java
 * owns (see the package doc): a Java number as an NDArray operand, a tensor created from a Java array or
 * buffer, or a Java buffer written into a tensor. A new instance anywhere in denoise-lab's classes is
 * named with its line.
 */
class NativeMemoryRulesTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.denoiselab");
    }

    @Test
    void javaNumbersMeetTensorsOnlyInScalars() {
        DescribedPredicate<JavaMethodCall> numberOperand =
                new DescribedPredicate<>("an NDArray/NDArrays method with a java.lang.Number parameter") {
                    @Override
                    public boolean test(JavaMethodCall call) {
                        JavaClass owner = call.getTarget().getOwner();
                        boolean tensorApi = owner.isAssignableTo(NDArray.class) || owner.isEquivalentTo(NDArrays.class);
                        return tensorApi
                                && call.getTarget().getRawParameterTypes().stream()
                                        .anyMatch(t -> t.isEquivalentTo(Number.class));
                    }
                };
        noClasses()
                .that()
                .doNotBelongToAnyOf(Scalars.class)
                .should()
                .callMethodWhere(numberOperand)
                .because("DJL wraps the number in a Java-backed tensor that the autograd graph may outlive;"
                        + " use Scalars")
                .check(classes);
    }

    @Test
    void javaArraysBecomeTensorsOnlyInTensors() {
        DescribedPredicate<JavaMethodCall> javaBacked =
                new DescribedPredicate<>(
                        "NDManager.create from Java data, NDArray.set(Buffer or array) or NDArray.copyTo") {
                    @Override
                    public boolean test(JavaMethodCall call) {
                        JavaClass owner = call.getTarget().getOwner();
                        String name = call.getTarget().getName();
                        List<JavaClass> params = call.getTarget().getRawParameterTypes();
                        if (owner.isAssignableTo(NDManager.class) && name.equals("create")) {
                            // create(Shape[, DataType[, Device]]) is torch::empty: PyTorch's memory
                            return params.isEmpty() || !params.get(0).isEquivalentTo(Shape.class);
                        }
                        if (owner.isAssignableTo(NDArray.class)) {
                            boolean bufferOrArray = !params.isEmpty()
                                    && (params.get(0).isArray() || params.get(0).isAssignableTo(java.nio.Buffer.class));
                            return (name.equals("set") && bufferOrArray) || name.equals("copyTo");
                        }
                        return false;
                    }
                };
        noClasses()
                .that()
                .doNotBelongToAnyOf(Tensors.class)
                .should()
                .callMethodWhere(javaBacked)
                .because("DJL backs such tensors with a Java direct buffer that Java may free first;" + " use Tensors")
                .check(classes);
    }
}
