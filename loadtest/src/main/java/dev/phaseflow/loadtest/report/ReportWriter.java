package dev.phaseflow.loadtest.report;

import dev.phaseflow.loadtest.LoadTestReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes a report folder: report.md, report.json and the PNG figures (existing files of the same names are replaced). */
public final class ReportWriter {
    public static final String MARKDOWN = "report.md";
    public static final String JSON_FILE = "report.json";

    private ReportWriter() {}

    /** Returns the files written, relative to the folder. */
    public static List<String> write(LoadTestReport report, Path folder) throws IOException {
        Files.createDirectories(folder);
        List<String> files = new ArrayList<>(ReportFigures.write(report, folder));
        files.add(0, MARKDOWN);
        files.add(1, JSON_FILE);
        Files.writeString(folder.resolve(MARKDOWN), ReportMarkdown.render(report, files));
        Files.writeString(folder.resolve(JSON_FILE),
                ReportJson.JSON.writeValueAsString(ReportJson.toJson(report, files)) + "\n");
        return files;
    }
}
