package dev.phaseflow.loadtest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoopbackTest {

    @Test
    void acceptsLoopbackHostsAndDropsATrailingSlash() {
        assertEquals("http://127.0.0.1:8080", Loopback.check("http://127.0.0.1:8080/").toString());
        assertEquals("http://localhost:9000/api", Loopback.check("http://localhost:9000/api/").toString());
        assertEquals("http://[::1]:8080", Loopback.check("http://[::1]:8080").toString());
        assertEquals("http://127.9.9.9", Loopback.check("http://127.9.9.9").toString());
    }

    @Test
    void refusesOtherHostsNamingTheAddress() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Loopback.check("http://10.1.2.3:8080"));
        assertEquals("refusing server URL 'http://10.1.2.3:8080': host '10.1.2.3' is 10.1.2.3, not a loopback address; "
                + "load tests only target this machine (localhost, 127.0.0.1, ::1)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Loopback.check("http://192.168.0.1"));
        assertThrows(IllegalArgumentException.class, () -> Loopback.check("http://[2001:db8::1]:80"));
    }

    @Test
    void refusesOtherSchemesAndMalformedUrls() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Loopback.check("ftp://127.0.0.1"))
                .getMessage().contains("must start with http:// or https://"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Loopback.check("localhost:8080"))
                .getMessage().contains("must start with http"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Loopback.check("http://127.0.0.1/?x=1"))
                .getMessage().contains("query"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Loopback.check("http://a b"))
                .getMessage().contains("not a valid URL"));
    }
}
