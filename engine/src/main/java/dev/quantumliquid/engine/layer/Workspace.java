package dev.quantumliquid.engine.layer;

/** Opaque per-session scratch memory of one layer; each layer casts to its own type. */
public interface Workspace {
    /** For feed-forward layers that need no scratch. */
    Workspace NONE = new Workspace() {
    };
}
