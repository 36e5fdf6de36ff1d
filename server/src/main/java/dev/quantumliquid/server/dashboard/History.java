package dev.quantumliquid.server.dashboard;

import java.util.ArrayDeque;
import java.util.List;

/** The last {@code capacity} samples, oldest first; the oldest goes when a new one comes. Thread-safe. */
final class History {
    private final int capacity;
    private final ArrayDeque<Sample> samples;

    History(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.samples = new ArrayDeque<>(capacity);
    }

    synchronized void add(Sample s) {
        if (samples.size() == capacity) {
            samples.removeFirst();
        }
        samples.addLast(s);
    }

    synchronized List<Sample> list() {
        return List.copyOf(samples);
    }

    int capacity() {
        return capacity;
    }
}
