/**
 * The HTTP and Server-Sent Events gateway: one server holds the Mintlify key and polls each job once, and any
 * number of browsers, bots and services follow the jobs live over {@code text/event-stream}, resuming with
 * {@code Last-Event-ID}, authenticated with the gateway's own tokens. {@link dev.agentjobs.gateway.Gateway} is
 * the one public type; the routing, the per-job histories, the subscriber queues and the token checks stay
 * package-private.
 */
package dev.agentjobs.gateway;
