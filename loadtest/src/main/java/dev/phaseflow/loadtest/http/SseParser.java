package dev.phaseflow.loadtest.http;

import java.util.Optional;

/**
 * Turns the lines of a {@code text/event-stream} into events, as the WHATWG specification says:
 * {@code event:} names the event, {@code data:} lines accumulate, a blank line dispatches, lines
 * starting with a colon are comments, one space after the colon is dropped, {@code id} and
 * {@code retry} are ignored here. An event without data is not dispatched. Not thread-safe:
 * one parser per stream.
 */
public final class SseParser {
    private String event = "";
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    /** Feeds one line (without its line terminator); returns the event a blank line completes. */
    public Optional<SseEvent> line(String line) {
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.charAt(0) == ':') {
            return Optional.empty();
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            default -> { } // id, retry and unknown fields carry nothing a load test needs
        }
        return Optional.empty();
    }

    private Optional<SseEvent> dispatch() {
        Optional<SseEvent> out = hasData ? Optional.of(new SseEvent(event.isEmpty() ? "message" : event, data.toString()))
                : Optional.empty();
        event = "";
        data.setLength(0);
        hasData = false;
        return out;
    }
}
