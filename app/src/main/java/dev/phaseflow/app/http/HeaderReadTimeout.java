package dev.phaseflow.app.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.NettyPipeline;

/**
 * Closes a connection whose request headers are not complete within a time of their first byte
 * (a "slowloris" client that trickles a header line now and then). Neither Netty nor Reactor
 * Netty has this: Reactor Netty's idle timeout restarts at every byte read, and its request and
 * read timeouts start once the headers are in. Two handlers around the HTTP codec share the
 * timer: one before it sees the first bytes of a request, one after it sees the decoded request
 * and the end of the response (after which the next request's first bytes start it again).
 */
final class HeaderReadTimeout {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderReadTimeout.class);

    private final long nanos;
    private ScheduledFuture<?> timer;
    /** Between a request's decoded headers and the end of its response: no timer. */
    private boolean inRequest;

    private HeaderReadTimeout(Duration limit) {
        this.nanos = limit.toNanos();
    }

    /** Installs the two handlers around the pipeline's HTTP codec (all on the channel's event loop). */
    static void install(ChannelPipeline pipeline, Duration limit) {
        if (pipeline.get(NettyPipeline.HttpCodec) == null) {
            return; // not an HTTP/1.1 pipeline
        }
        HeaderReadTimeout shared = new HeaderReadTimeout(limit);
        pipeline.addBefore(NettyPipeline.HttpCodec, "phaseflow.headerTimeout.bytes", shared.new FirstBytes());
        pipeline.addAfter(NettyPipeline.HttpCodec, "phaseflow.headerTimeout.request", shared.new Requests());
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private final class FirstBytes extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!inRequest && timer == null && msg instanceof ByteBuf) {
                timer = ctx.executor().schedule(() -> {
                    LOG.debug("closing {}: request headers incomplete after {} ms", ctx.channel().remoteAddress(),
                            nanos / 1_000_000);
                    ctx.close();
                }, nanos, TimeUnit.NANOSECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            disarm();
            ctx.fireChannelInactive();
        }
    }

    private final class Requests extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                inRequest = true;
                disarm();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof LastHttpContent) {
                inRequest = false;
            }
            ctx.write(msg, promise);
        }
    }
}
