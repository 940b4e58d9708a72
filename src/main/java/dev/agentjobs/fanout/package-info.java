/**
 * Bulk fan-out of prompts on a durable ledger: thousands of prompts submitted at the API's create pace,
 * watched to their end by the watch engine, with one result per prompt. The {@link dev.agentjobs.fanout.JobLedger}
 * SPI records each prompt's state (written before each create leaves, so a crash never loses a prompt nor
 * creates a job twice) and the per-project create log the sliding rate budget is rebuilt from; SQLite is the
 * embedded implementation.
 */
package dev.agentjobs.fanout;
