package dev.phaseflow.models;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes NumPy .npy files of little-endian float32 (the zoo's golden tensors). */
public final class Npy {
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** A float tensor: shape and values in C order. */
    public record Tensor(long[] shape, float[] values) {}

    private Npy() {}

    public static Tensor read(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        buf.get(magic);
        if (magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IOException(file + ": not a .npy file");
        }
        int major = buf.get();
        buf.get();
        int headerLength = major == 1 ? Short.toUnsignedInt(buf.getShort()) : buf.getInt();
        byte[] header = new byte[headerLength];
        buf.get(header);
        String text = new String(header, StandardCharsets.ISO_8859_1);
        if (!text.contains("'descr': '<f4'") || text.contains("'fortran_order': True")) {
            throw new IOException(file + ": expected little-endian float32 in C order, header " + text.trim());
        }
        Matcher m = SHAPE.matcher(text);
        if (!m.find()) {
            throw new IOException(file + ": no shape in header " + text.trim());
        }
        String[] dims = m.group(1).split(",");
        long count = 1;
        long[] shape = new long[(int) java.util.Arrays.stream(dims).filter(s -> !s.isBlank()).count()];
        int k = 0;
        for (String d : dims) {
            if (!d.isBlank()) {
                shape[k] = Long.parseLong(d.trim());
                count *= shape[k++];
            }
        }
        float[] values = new float[(int) count];
        buf.asFloatBuffer().get(values);
        return new Tensor(shape, values);
    }

    /** Writes a .npy file (format 1.0, little-endian float32, C order), as numpy.save does. */
    public static void write(Path file, long[] shape, float[] values) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? shape[0] + "," : dims.length() == 0 ? "" : dims.substring(0, dims.length() - 2);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shapeText + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        buf.putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        buf.asFloatBuffer().put(values);
        Files.write(file, buf.array());
    }
}
