/**
 * Bulk fan-out of prompts on a durable ledger: thousands of prompts submitted at the API's create pace,
 * watched to their end by the watch engine, with one result per prompt. The {@link dev.agentjobs.fanout.JobLedger}
 * SPI records each prompt's state (written before each create leaves, so a crash never loses a prompt nor
 * creates a job twice) and the per-project create log the sliding rate budget is rebuilt from; the SSE gateway
 * keeps its jobs in the same SPI, including the ones it only watches by id.
 * {@link dev.agentjobs.fanout.SqliteJobLedger} is the embedded implementation (one WAL file, one writer thread
 * with group commit); {@link dev.agentjobs.fanout.JobLedger#inMemory()} keeps the same contract without
 * durability, for tests and measurements. The rules both apply live in one package-private class, so they
 * cannot drift apart.
 */
package dev.agentjobs.fanout;
