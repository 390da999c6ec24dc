package dev.phaseflow.actors;

/** Marks the messages that cross cluster nodes; bound to Pekko's jackson-cbor serializer. */
public interface CborSerializable {}
