package dev.agentjobs.gateway;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The dashboard's three static files (no build step, no CDN), read once from the jar. The page runs under a
 * strict Content-Security-Policy: only its own script and style, only its own origin to talk to, never framed.
 */
final class Dashboard {

    private record Asset(String contentType, byte[] bytes) {
    }

    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private final Map<String, Asset> assets;

    Dashboard() {
        this.assets = Map.of(
                "/", new Asset("text/html; charset=utf-8", read("index.html")),
                "/app.js", new Asset("text/javascript; charset=utf-8", read("app.js")),
                "/style.css", new Asset("text/css; charset=utf-8", read("style.css")));
    }

    boolean serves(String path) {
        return assets.containsKey(path);
    }

    Publisher<Void> send(String path, HttpServerResponse res) {
        Asset a = assets.get(path);
        return res.status(200).header(HttpHeaderNames.CONTENT_TYPE, a.contentType())
                .header("Content-Security-Policy", CSP)
                .header("X-Frame-Options", "DENY")
                .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .sendByteArray(Mono.just(a.bytes()));
    }

    private static byte[] read(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard resource " + name, e);
        }
    }
}
