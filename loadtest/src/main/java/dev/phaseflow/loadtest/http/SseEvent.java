package dev.phaseflow.loadtest.http;

/** One Server-Sent Event: its type ("message" when the stream names none) and its data lines joined by newlines. */
public record SseEvent(String event, String data) {}
