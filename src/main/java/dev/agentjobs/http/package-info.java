/**
 * Transport: Reactor Netty HTTP client with its own event loop and bounded pool, the JSON codec, the mapping
 * of statuses to exceptions, and the single-call retry rules. Internal: not exported from the module.
 */
package dev.agentjobs.http;
