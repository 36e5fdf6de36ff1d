package dev.quantumliquid.server.repository;

/** Estimated energy use of a model: microjoules per step and the power at its sample rate. */
public record Power(double microjoulesPerStep, double microwatts) {
}
