package dev.phaseflow.loadtest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private static List<SseEvent> parse(String... lines) {
        SseParser p = new SseParser();
        List<SseEvent> out = new ArrayList<>();
        for (String l : lines) {
            p.line(l).ifPresent(out::add);
        }
        return out;
    }

    @Test
    void namedEventsWithMultiLineDataAndComments() {
        List<SseEvent> events = parse(": keep-alive", "event: step", "data: {\"index\":", "data:  0}", "", "",
                "event:image", "id: 7", "retry: 100", "data:{}", "");
        assertEquals(List.of(new SseEvent("step", "{\"index\":\n 0}"), new SseEvent("image", "{}")), events);
    }

    @Test
    void unnamedEventsAreMessagesAndEventsWithoutDataAreDropped() {
        assertEquals(List.of(new SseEvent("message", "x")), parse("event: started", "", "data: x", ""));
        assertEquals(List.of(new SseEvent("message", "")), parse("data", ""), "a field without a colon has an empty value");
    }

    @Test
    void anUnterminatedEventIsNotDispatched() {
        assertEquals(List.of(), parse("event: completed", "data: {}"));
    }
}
