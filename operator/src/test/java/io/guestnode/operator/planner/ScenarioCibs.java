package io.guestnode.operator.planner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.definitions.Problem;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

/** The scenarios' CIBs ({@code src/test/resources/scenarios}) loaded as definitions, for any test. */
public final class ScenarioCibs {
    private ScenarioCibs() {
    }

    /** The CIB of a scenario, with its domain files written under {@code tmp}. */
    public static Definitions load(Path cibFile, String host, Path tmp) throws IOException {
        String text = Files.readString(cibFile);
        Path domains = Files.createDirectories(tmp.resolve("domains"));
        Matcher m = ScenarioTest.DOMAIN_REF.matcher(text);
        while (m.find()) {
            Files.writeString(domains.resolve(m.group(1) + ".xml"), "<domain type='lxc'><name>" + m.group(1)
                    + "</name></domain>");
        }
        Path copy = tmp.resolve(cibFile.getFileName());
        Files.writeString(copy, text.replace("@DOMAINS@", domains.toString()));
        DefinitionsLoader.Result r = new DefinitionsLoader(host).load(List.of(copy));
        assertTrue(r.ok(), r.problems().stream().map(Problem::toString).collect(Collectors.joining("\n")));
        return r.definitions();
    }

    /** The scenarios' CIB {@code name} (such as {@code _cloned.xml}) for {@code host}. */
    public static Definitions named(String name, String host, Path tmp) throws IOException {
        try {
            return load(Path.of(ScenarioCibs.class.getResource("/scenarios/" + name).toURI()), host, tmp);
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
