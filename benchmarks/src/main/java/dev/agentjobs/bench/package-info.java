/**
 * The benchmark harness: a simulator server JVM, one client runner per implementation (agentjobs and the
 * pollers people use instead, all on the same schedule), the virtual-time economy scenario, and the report
 * that turns the runs into medians, ratios, a Markdown table and a chart. Run it with
 * {@code benchmarks/run.sh}.
 */
package dev.agentjobs.bench;
