package dev.agentjobs.internal.http;

import dev.agentjobs.api.ApiKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.logging.LogLevel;
import io.netty.handler.logging.LoggingHandler;
import java.nio.charset.StandardCharsets;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;

/**
 * The wiretap an application asks for through the {@code HttpClient} customizer, with the API key cut out. Reactor
 * Netty's own wiretap logs every byte written, the {@code Authorization} header among them, so a customizer that
 * turns it on would put the key in the application's logs; this one logs the same traffic as text with every
 * occurrence of the key, and any piece of it at the edge of a buffer, replaced by {@code [REDACTED]}.
 */
@ChannelHandler.Sharable
final class RedactingWiretap extends LoggingHandler {

    static final String REDACTED = "[REDACTED]";
    /** Pieces of the key shorter than this at a buffer's edge are left: they could be any text. */
    private static final int MIN_PIECE = 4;

    private final String key;

    RedactingWiretap(LogLevel level, ApiKey key) {
        super(HttpClient.class.getName(), level);
        this.key = key.reveal();
    }

    /**
     * {@code client} with its wiretap, if the customizer turned one on, replaced by this one at the same level; the
     * handler goes where Reactor Netty puts its own, after TLS when there is TLS, so the log shows plain text.
     */
    static HttpClient replacing(HttpClient client, ApiKey key) {
        LoggingHandler asked = client.configuration().loggingHandler();
        if (asked == null) {
            return client;
        }
        RedactingWiretap wiretap = new RedactingWiretap(asked.level(), key);
        return client.wiretap(false).doOnChannelInit((observer, channel, address) -> {
            if (channel.pipeline().get(NettyPipeline.SslHandler) != null) {
                channel.pipeline().addAfter(NettyPipeline.SslHandler, NettyPipeline.LoggingHandler, wiretap);
            } else {
                channel.pipeline().addFirst(NettyPipeline.LoggingHandler, wiretap);
            }
        });
    }

    @Override
    protected String format(ChannelHandlerContext ctx, String eventName, Object arg) {
        if (arg instanceof ByteBuf buf) {
            return text(ctx, eventName, buf);
        }
        if (arg instanceof ByteBufHolder holder) {
            return text(ctx, eventName, holder.content());
        }
        return redact(super.format(ctx, eventName, arg));
    }

    @Override
    protected String format(ChannelHandlerContext ctx, String eventName, Object firstArg, Object secondArg) {
        return redact(super.format(ctx, eventName, firstArg, secondArg));
    }

    private String text(ChannelHandlerContext ctx, String eventName, ByteBuf buf) {
        // ISO-8859-1 maps each byte to one char, so the (ASCII) key is found whatever the body's encoding.
        String bytes = buf.toString(buf.readerIndex(), buf.readableBytes(), StandardCharsets.ISO_8859_1);
        return ctx.channel() + " " + eventName + ": " + buf.readableBytes() + "B\n" + redact(bytes);
    }

    /** {@code text} with the key, and a piece of it cut by the start or the end of {@code text}, replaced. */
    String redact(String text) {
        String out = text.replace(key, REDACTED);
        for (int n = Math.min(key.length() - 1, out.length()); n >= MIN_PIECE; n--) {
            if (out.endsWith(key.substring(0, n))) {
                out = out.substring(0, out.length() - n) + REDACTED;
                break;
            }
        }
        for (int n = Math.min(key.length() - 1, out.length()); n >= MIN_PIECE; n--) {
            if (out.startsWith(key.substring(key.length() - n))) {
                out = REDACTED + out.substring(n);
                break;
            }
        }
        return out;
    }
}
