/**
 * Small helpers shared by packages that must not depend on each other (the simulator and the command line,
 * for instance). Internal: not exported from the module, no compatibility promise.
 */
package dev.agentjobs.internal;
