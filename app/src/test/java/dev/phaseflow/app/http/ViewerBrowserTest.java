package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import dev.phaseflow.models.ModelRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The web viewer in headless Chromium (via chromedriver): it runs a hybrid request, colours each
 * step by route, shows previews and the final images, draws Delta when steps carry it, and reports
 * a bad request. Screenshots land in target/viewer*.png (viewer-failure.png when it fails). Skipped when
 * Chromium or chromedriver is missing (Debian: apt-get install chromium chromium-driver).
 */
class ViewerBrowserTest {
    static final Path CHROMIUM = Path.of(System.getProperty("phaseflow.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("phaseflow.chromedriver", "/usr/bin/chromedriver"));
    static final Duration PATIENCE = Duration.ofSeconds(60);

    static WebDriver browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            browser = WebDriver.start(CHROMEDRIVER, CHROMIUM);
        }
    }

    @BeforeEach
    void needsTheBrowser() {
        // checked per test so that reports count the tests as skipped, with the reason
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM
                + " (Debian package chromium): browser test skipped");
        Assumptions.assumeTrue(Files.isExecutable(CHROMEDRIVER), "no chromedriver at " + CHROMEDRIVER
                + " (Debian package chromium-driver): browser test skipped");
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /** Runs the steps, saving a screenshot when they fail. */
    interface Steps {
        void run() throws Exception;
    }

    static void withScreenshotOnFailure(String name, Steps steps) throws Exception {
        try {
            steps.run();
        } catch (AssertionError | RuntimeException e) {
            Path shot = Path.of("target", name + "-failure.png");
            browser.screenshot(shot);
            e.addSuppressed(new AssertionError("the page at the failure: " + shot.toAbsolutePath()));
            throw e;
        }
    }

    @Test
    void theViewerStreamsAHybridRunIntoThePage() throws Exception {
        try (var fx = ServerFixture.start()) {
            withScreenshotOnFailure("viewer", () -> drive(fx, browser));
        }
    }

    @Test
    void stopCancelsTheRequestOnTheServer() throws Exception {
        var global = new GatedDenoiser(ServerFixture.DATA.denoiser("g", ModelRole.GLOBAL), 3);
        try (var fx = ServerFixture.start(ServerFixture.models(global, ServerFixture.DATA.denoiser("l", ModelRole.LOCAL)),
                ServerFixture.smallEngine(), b -> {})) {
            try {
                withScreenshotOnFailure("viewer-stop", () -> {
                    open(browser, fx);
                    browser.execute("document.getElementById('mode').value = 'global'; document.getElementById('steps').value = '50';"
                            + "document.getElementById('count').value = '1'; document.getElementById('run').click();");
                    // three steps arrive, then the model blocks: the request is running on the server
                    assertTrue(browser.await("document.querySelectorAll('#step-strip .step.route-global').length === 3", PATIENCE),
                            text(browser, "status"));
                    assertEquals(1, fx.engine.inFlight());
                    browser.execute("document.getElementById('stop').click();");
                    assertTrue(browser.await("document.getElementById('status').dataset.state === 'cancelled'", PATIENCE),
                            text(browser, "status"));
                    assertTrue(ServerFixture.eventually(() -> fx.engine.inFlight() == 0, PATIENCE),
                            "Stop cancelled the request on the server: in flight " + fx.engine.inFlight());
                });
            } finally {
                global.release(1_000); // before the engine closes: its inference thread waits at the gate
            }
        }
    }

    /**
     * Opens the fixture's viewer and waits until it is this page, loaded, that answers scripts: in one verify run the
     * form values set right after navigating were lost (the page showed its defaults, idle), as if the script had
     * run in the previous test's page. The old page is marked first, so a script that still reaches it is told apart.
     */
    private static void open(WebDriver browser, ServerFixture fx) throws Exception {
        browser.execute("window.__previousTestPage = true;");
        browser.navigate(fx.server.url());
        assertTrue(browser.await("!window.__previousTestPage && document.readyState === 'complete'"
                        + " && document.getElementById('models').textContent.includes('g (global)')", PATIENCE),
                "the viewer loaded and listed the models: " + text(browser, "models"));
    }

    private static void drive(ServerFixture fx, WebDriver browser) throws Exception {
        {
            open(browser, fx);
            browser.execute("window.__errors = [];"
                    + "window.addEventListener('error', e => window.__errors.push(String(e.message)));"
                    + "window.addEventListener('unhandledrejection', e => window.__errors.push(String(e.reason)));");
            assertTrue(browser.await("document.getElementById('models').textContent.includes('g (global)')", PATIENCE),
                    "the page listed the models: " + text(browser, "models"));

            browser.execute("const set = (id, v) => { document.getElementById(id).value = v; };"
                    + "set('count', '3'); set('steps', '16'); set('mode', 'hybrid'); set('seed', '7'); set('preview-every', '2');"
                    + "document.getElementById('run').click();");
            assertTrue(browser.await("['completed', 'error'].includes(document.getElementById('status').dataset.state)", PATIENCE),
                    "the run ended: " + text(browser, "status"));
            assertEquals("completed", browser.execute("return document.getElementById('status').dataset.state;").asText(),
                    text(browser, "status"));

            JsonNode page = browser.execute("const q = s => document.querySelectorAll(s).length;"
                    + "const finals = [...document.querySelectorAll('#finals img.final')];"
                    + "const canvas = document.getElementById('chart');"
                    + "const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;"
                    + "let painted = 0; for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;"
                    + "return { cells: q('#step-strip .step'), local: q('#step-strip .step.route-local'), global: q('#step-strip .step.route-global'),"
                    + "  previews: q('#step-strip .step.preview-shown'),"
                    + "  finals: finals.length, decoded: finals.filter(i => i.complete && i.naturalWidth === 8).length,"
                    + "  preview: document.getElementById('preview').src.startsWith('data:image/png;base64,'),"
                    + "  visible: [...document.querySelectorAll('#step-strip .step')].filter(c => c.getBoundingClientRect().width > 0).length,"
                    + "  ids: document.querySelectorAll('[id]').length, uniqueIds: new Set([...document.querySelectorAll('[id]')].map(e => e.id)).size,"
                    + "  mix: document.getElementById('mix-text').textContent, painted: painted, errors: window.__errors };");
            assertEquals(page.get("ids").asInt(), page.get("uniqueIds").asInt(), "element ids are unique: " + page);
            assertEquals(16, page.get("cells").asInt(), page.toString());
            assertEquals(16, page.get("visible").asInt(), "the step cells are on screen: " + page);
            assertTrue(page.get("local").asInt() > 0 && page.get("global").asInt() > 0, "both route colours appear: " + page);
            assertEquals(16, page.get("local").asInt() + page.get("global").asInt(), "every step got its route: " + page);
            assertEquals(9, page.get("previews").asInt(), "previews at steps 0, 2, .., 14 and the last: " + page);
            assertEquals(3, page.get("finals").asInt(), page.toString());
            assertTrue(browser.await("[...document.querySelectorAll('#finals img.final')].every(i => i.complete && i.naturalWidth === 8)",
                    PATIENCE), "the final images decode as 8x8 PNGs: " + page);
            assertTrue(page.get("preview").asBoolean(), page.toString());
            assertTrue(page.get("mix").asText().contains("of 16 steps"), page.toString());
            assertTrue(page.get("painted").asInt() > 1000, "the chart was drawn: " + page);
            assertEquals(0, page.get("errors").size(), "no script errors: " + page.get("errors"));
            browser.screenshot(Path.of("target", "viewer.png"));

            // steps that carry Delta (the engine's future shadow evaluations) draw its curve
            String deltaPixels = "(() => { const c = document.getElementById('chart');"
                    + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                    + "for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 38) < 12 && Math.abs(d[i + 1] - 70) < 12"
                    + " && Math.abs(d[i + 2] - 83) < 12 && d[i + 3] > 200) n++; return n; })()";
            assertEquals(0, browser.execute("return " + deltaPixels + ";").asInt(), "no Delta curve without Delta values");
            browser.execute("const v = window.phaseflowViewer;"
                    + "v.dispatch('started', {request_id: 'synthetic', request: {count: 1, mode: 'hybrid'}, models: ['g', 'l'],"
                    + "  sigmas: [20, 8, 3, 1, 0.3, 0.05, 0]});"
                    + "[20, 8, 3, 1, 0.3, 0.05].forEach((s, i) => v.dispatch('step', {index: i, sigma: s,"
                    + "  route: s >= 0.5 && s < 5 ? 'global' : 'local', model: 'x', models: ['x'], delta: 0.02 + 0.3 * Math.exp(-(Math.log(s) ** 2))}));");
            assertTrue(browser.await(deltaPixels + " > 30", PATIENCE), "the Delta curve was drawn");
            browser.screenshot(Path.of("target", "viewer-delta.png"));
            assertEquals(0, browser.execute("return window.__errors;").size(), "no script errors: " + browser.execute("return window.__errors;"));

            // a bad request shows the server's message, naming the field
            browser.execute("document.getElementById('count').value = '0'; document.getElementById('run').click();");
            assertTrue(browser.await("document.getElementById('status').dataset.state === 'error'", PATIENCE), text(browser, "status"));
            String status = text(browser, "status");
            assertTrue(status.contains("400") && status.contains("count"), status);
        }
    }

    private static String text(WebDriver browser, String id) throws Exception {
        return browser.execute("return document.getElementById('" + id + "').textContent;").asText();
    }
}
