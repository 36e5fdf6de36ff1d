/** The server's entry point: reads the configuration and wires every component; nothing else depends on it. */
package dev.quantumliquid.server.app;
