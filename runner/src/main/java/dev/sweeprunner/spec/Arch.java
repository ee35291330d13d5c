package dev.sweeprunner.spec;

/** Network families sized from a parameter budget. */
public enum Arch implements Choice {
    FCN,
    CNN
}
