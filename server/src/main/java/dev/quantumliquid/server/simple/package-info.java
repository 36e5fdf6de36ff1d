/** The simple JSON API: POST /inference, GET /health and GET /ready. */
package dev.quantumliquid.server.simple;
