/** Setting descriptors and the property source they are read from; each concern's settings record lives beside the component it configures. */
package dev.quantumliquid.server.config;
