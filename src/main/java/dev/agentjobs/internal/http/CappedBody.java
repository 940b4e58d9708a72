package dev.agentjobs.internal.http;

import java.util.Arrays;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;

/**
 * Aggregates a response body up to a byte cap. Reactor Netty's {@code responseSingle} aggregates without a
 * limit, so a hostile or broken server could fill the heap; here each chunk is copied out (which releases its
 * {@code ByteBuf}) and the read fails as soon as the total passes the cap, or at once when the
 * {@code Content-Length} already says it will. Failing cancels the inbound, and Reactor Netty's
 * {@code response(...)} discards what is left, closing the connection rather than pooling a dirty one.
 */
final class CappedBody {

    private CappedBody() {
    }

    /** The body was larger than the cap; only the size is named, never the content. */
    static final class TooLargeException extends RuntimeException {
        TooLargeException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param declaredLength the {@code Content-Length}, or -1 when absent
     */
    static Mono<byte[]> read(ByteBufFlux body, long declaredLength, int maxBytes) {
        if (declaredLength > maxBytes) {
            return Mono.error(new TooLargeException("body of " + declaredLength + " bytes exceeds the limit of "
                    + maxBytes + " bytes"));
        }
        int initial = declaredLength >= 0 ? (int) declaredLength : 1024;
        return body.asByteArray()
                .reduceWith(() -> new Buffer(initial, maxBytes), Buffer::append)
                .map(Buffer::toBytes)
                .defaultIfEmpty(new byte[0]);
    }

    private static final class Buffer {
        private final int maxBytes;
        private byte[] bytes;
        private int size;

        Buffer(int initial, int maxBytes) {
            this.maxBytes = maxBytes;
            this.bytes = new byte[Math.max(16, Math.min(initial, maxBytes))];
        }

        Buffer append(byte[] chunk) {
            if ((long) size + chunk.length > maxBytes) {
                throw new TooLargeException("body exceeds the limit of " + maxBytes + " bytes");
            }
            if (size + chunk.length > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(maxBytes, Math.max((long) bytes.length * 2,
                        size + chunk.length)));
            }
            System.arraycopy(chunk, 0, bytes, size, chunk.length);
            size += chunk.length;
            return this;
        }

        byte[] toBytes() {
            return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
        }
    }
}
