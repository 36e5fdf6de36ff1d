/** Server-wide lifecycle facts (start time, draining) that health endpoints and listeners read. */
package dev.quantumliquid.server.lifecycle;
