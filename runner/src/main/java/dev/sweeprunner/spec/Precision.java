package dev.sweeprunner.spec;

/**
 * The number format a trial computes in. Weights, optimizer state and the loss stay 32-bit in
 * both: {@code bf16} runs convolutions and matrix products in bfloat16 (PyTorch's automatic mixed
 * precision, as {@code torch.autocast} does), which CPUs with AVX512-BF16 or AMX and GPUs from
 * Ampere on do natively. It changes numbers, so it is opt-in and part of a trial's identity.
 */
public enum Precision implements Choice {
    FP32,
    BF16
}
