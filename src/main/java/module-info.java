/**
 * agentjobs: a reactive driver for remote AI agent jobs. Exports the client facade, data types and errors
 * ({@code dev.agentjobs.api}), the watch engine ({@code dev.agentjobs.poll}), the fan-out
 * ({@code dev.agentjobs.fanout}), the SSE gateway ({@code dev.agentjobs.gateway}) and the simulator with the
 * fakes for users' own tests ({@code dev.agentjobs.simulator}). The transport
 * ({@code dev.agentjobs.internal.http}), the shared helpers ({@code dev.agentjobs.internal}) and the command
 * line ({@code dev.agentjobs.cli}) are not exported.
 */
module dev.agentjobs {
    exports dev.agentjobs.api;
    exports dev.agentjobs.poll;
    exports dev.agentjobs.simulator;
    exports dev.agentjobs.fanout;
    exports dev.agentjobs.gateway;

    requires transitive reactor.core;
    requires transitive org.reactivestreams;
    requires transitive io.github.resilience4j.circuitbreaker;
    requires io.github.resilience4j.core;
    requires io.github.resilience4j.reactor;
    requires reactor.netty.core;
    requires reactor.netty.http;
    requires io.netty.buffer;
    requires io.netty.codec.http;
    // Reactor Netty links these optional (requires static) modules even for plain HTTP/1.1 over TCP.
    requires io.netty.codec.http2;
    requires io.netty.resolver.dns;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    // The embedded fan-out ledger: JDBC on SQLite, run on the ledger's own writer thread.
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    // Only the command line uses picocli; library users need not have it.
    requires static info.picocli;
    // Only the fanout command's live bar on a terminal uses it.
    requires static me.tongfei.progressbar;

    // picocli reads and sets the command classes' annotated fields reflectively. (Jackson binds nothing by
    // reflection here: trees and a streaming parser only, so no package is opened to it.)
    opens dev.agentjobs.cli to info.picocli;
}
