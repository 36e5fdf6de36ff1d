/** Per-request labels (id, endpoint, model, version, key) shared by metrics, logs and both listeners. */
package dev.quantumliquid.server.tags;
