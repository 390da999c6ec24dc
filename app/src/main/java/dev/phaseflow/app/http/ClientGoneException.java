package dev.phaseflow.app.http;

/** The client closed the connection before its response ended; nothing is left to answer. */
final class ClientGoneException extends RuntimeException {
    ClientGoneException() {
        super("the client closed the connection", null, false, false);
    }
}
