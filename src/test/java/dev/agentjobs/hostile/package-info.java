/**
 * Tests that play a hostile server or a careless user against the client and the CLI, one class per family
 * (timeouts, input validation, output safety, signals), each case named after the behaviour it proves.
 */
package dev.agentjobs.hostile;
