package dev.phaseflow.loadtest.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/** Load tests only ever target this machine: a server URL must name a loopback address. */
public final class Loopback {
    private Loopback() {}

    /**
     * The URL, checked: http or https, a host that resolves only to loopback addresses
     * (localhost, 127.0.0.0/8, ::1), no query or fragment; a trailing slash is dropped.
     *
     * @throws IllegalArgumentException naming the URL and what is wrong with it
     */
    public static URI check(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("server URL '" + url + "' is not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("server URL '" + url + "' must start with http:// or https://");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("server URL '" + url + "' has no host");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("server URL '" + url + "' must not have a query or fragment");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("refusing server URL '" + url + "': host '" + host
                    + "' does not resolve; load tests only target loopback addresses (localhost, 127.0.0.1, ::1)");
        }
        for (InetAddress a : addresses) {
            if (!a.isLoopbackAddress()) {
                throw new IllegalArgumentException("refusing server URL '" + url + "': host '" + host + "' is "
                        + a.getHostAddress() + ", not a loopback address; load tests only target this machine "
                        + "(localhost, 127.0.0.1, ::1)");
            }
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            return new URI(scheme, uri.getUserInfo(), host, uri.getPort(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("server URL '" + url + "': " + e.getMessage());
        }
    }
}
