package org.qkdv2i.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The page and its assets, read once from the bundle: our HTML/JS/CSS under {@code web/} and the
 * uPlot WebJar files that bnd copied in from Maven Central (same paths as on a test class path).
 * Only these fixed paths are served: no file system, no path traversal.
 */
final class StaticFiles {

    record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> assets = new HashMap<>();
    private final String uplotVersion;

    StaticFiles() {
        ClassLoader cl = StaticFiles.class.getClassLoader();
        Properties p = new Properties();
        try (InputStream in = cl.getResourceAsStream("org/qkdv2i/console/internal/console.properties")) {
            if (in == null) {
                throw new IllegalStateException("console.properties missing from the bundle");
            }
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("console.properties unreadable", e);
        }
        uplotVersion = p.getProperty("uplot.version");
        String web = "org/qkdv2i/console/web/";
        String uplot = "META-INF/resources/webjars/uplot/" + uplotVersion + "/dist/";
        put(cl, "/", web + "index.html", "text/html; charset=utf-8");
        put(cl, "/index.html", web + "index.html", "text/html; charset=utf-8");
        put(cl, "/console.js", web + "console.js", "text/javascript; charset=utf-8");
        put(cl, "/console.css", web + "console.css", "text/css; charset=utf-8");
        put(cl, "/favicon.svg", web + "favicon.svg", "image/svg+xml");
        put(cl, "/webjars/uplot/uPlot.iife.min.js", uplot + "uPlot.iife.min.js", "text/javascript; charset=utf-8");
        put(cl, "/webjars/uplot/uPlot.min.css", uplot + "uPlot.min.css", "text/css; charset=utf-8");
    }

    private void put(ClassLoader cl, String path, String resource, String type) {
        try (InputStream in = cl.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " missing from the console bundle");
            }
            assets.put(path, new Asset(type, in.readAllBytes()));
        } catch (IOException e) {
            throw new IllegalStateException("resource " + resource + " unreadable", e);
        }
    }

    /** The asset at a request path, or null. */
    Asset get(String path) {
        return assets.get(path);
    }

    String uplotVersion() {
        return uplotVersion;
    }
}
