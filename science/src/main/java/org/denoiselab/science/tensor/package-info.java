/**
 * Where Java values meet PyTorch memory. PyTorch's autograd graph keeps pointers to the tensors an op
 * saved for backward; a tensor whose storage is a Java direct buffer (what DJL makes for a Java number
 * operand, {@code x.mul(0.5f)}, or for {@code create(float[])}) is freed when Java collects it, whatever
 * the graph still holds, and backward then reads garbage (DESIGN.md, "Native memory"). Every Java
 * number or array that becomes a tensor goes through {@link org.denoiselab.science.tensor.Scalars} or
 * {@link org.denoiselab.science.tensor.Tensors}, which put it in PyTorch-owned memory; an ArchUnit test
 * (NativeMemoryRulesTest) fails the build on any other route.
 */
package org.denoiselab.science.tensor;
