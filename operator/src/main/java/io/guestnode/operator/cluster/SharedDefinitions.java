package io.guestnode.operator.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.SharedDocument;
import io.guestnode.agents.coordination.Versioned;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DefinitionsDigest;
import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.definitions.Problem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's definitions, one document in ZooKeeper: the definition files of the host that published them (a
 * {@code guestnode reload} there), with their digest. Every host reads them as its own: it writes the files to a
 * directory of its state and loads them; a host that cannot load them, or reads them to another digest (another
 * version of guestnode, a domain XML file that differs here), keeps what it had and, its digest differing from the
 * cluster's, acts on nothing new until they match. A publish names the version it replaces, so a host never
 * overwrites definitions it has not read.
 */
public final class SharedDefinitions {
    /** What a published document may hold once inflated. */
    static final int MAX_TEXT = 16 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** A version this host refused is read again this often (a missing file here may have been put back). */
    static final long RETRY_REFUSED_NANOS = 10_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(SharedDefinitions.class);

    /** The document: who published it, the digest it read them to, and the files in the order they were read. */
    record Bundle(String publishedBy, String digest, List<File> files) {
        Bundle {
            files = List.copyOf(files);
        }
    }

    /** One definitions file: its name (no directory) and its text. */
    record File(String name, String text) {
    }

    /** What a read of the cluster's definitions brought. */
    public sealed interface Read {
        /** This host reads them to the same digest: its definitions from now on. */
        record Adopted(Definitions definitions, String digest, String publishedBy, int version) implements Read {
        }

        /** This host cannot act on them: why, naming what is wrong. */
        record Refused(String digest, String why, int version) implements Read {
        }
    }

    private final SharedDocument doc;
    private final DefinitionsLoader loader;
    private final Path dir;
    private final String host;
    /** The version last read (-1: none yet); guarded by this, as the two below. */
    private int seen = -1;
    /** The digest of the cluster's definitions as last read; empty before any were published. */
    private volatile String clusterDigest = "";
    /** When the version last read was refused here: when it is read again ({@link System#nanoTime()}); else 0. */
    private long retryAt;

    /**
     * @param dir where this host writes the cluster's files to load them (in its state directory); made if missing
     */
    public SharedDefinitions(SharedDocument doc, DefinitionsLoader loader, Path dir, String host) {
        this.doc = doc;
        this.loader = loader;
        this.dir = dir;
        this.host = host;
    }

    /** The digest of the cluster's definitions as last read; empty while none are published. */
    public String clusterDigest() {
        return clusterDigest;
    }

    /** The cluster's definitions when they changed since the last read; empty otherwise (one small read). */
    public synchronized Optional<Read> poll() throws CoordinationException {
        OptionalInt v = doc.version();
        boolean retry = retryAt != 0 && System.nanoTime() - retryAt >= 0;
        if (v.isEmpty()) {
            seen = -1; // removed by hand: the next publish creates it
            return Optional.empty();
        }
        if (v.getAsInt() == seen && !retry) {
            return Optional.empty();
        }
        return read();
    }

    /** The cluster's definitions, read now; empty while none are published. */
    public synchronized Optional<Read> read() throws CoordinationException {
        Optional<Versioned<byte[]>> r = doc.read();
        if (r.isEmpty()) {
            seen = -1; // none, or removed by hand: the next publish creates it
            retryAt = 0;
            return Optional.empty();
        }
        int version = r.get().version();
        seen = version;
        Read read = load(r.get().value(), version);
        retryAt = read instanceof Read.Refused ? System.nanoTime() + RETRY_REFUSED_NANOS : 0;
        return Optional.of(read);
    }

    private Read load(byte[] data, int version) {
        Bundle b;
        try {
            b = decode(data);
        } catch (IOException | IllegalArgumentException e) {
            clusterDigest = "unreadable-" + version;
            return new Read.Refused(clusterDigest, "the cluster's definitions (version " + version
                    + ") cannot be read: " + e.getMessage(), version);
        }
        clusterDigest = b.digest();
        DefinitionsLoader.Result loaded;
        try {
            loaded = loader.load(List.of(write(b)));
        } catch (IOException e) {
            return new Read.Refused(b.digest(), "the cluster's definitions cannot be written to " + dir
                    + ": " + e.getMessage(), version);
        }
        if (!loaded.ok()) {
            String first = loaded.problems().stream().filter(Problem::isError).findFirst().map(Problem::toString)
                    .orElse("");
            return new Read.Refused(b.digest(), "the cluster's definitions (published by "
                    + b.publishedBy() + ") do not load here: " + first, version);
        }
        String mine = DefinitionsDigest.of(loaded.definitions());
        if (!mine.equals(b.digest())) {
            return new Read.Refused(b.digest(), "this host reads the cluster's definitions (published by "
                    + b.publishedBy() + ", digest " + b.digest() + ") as digest " + mine + ": a domain XML file "
                    + "differs here, or another version of guestnode reads them", version);
        }
        return new Read.Adopted(loaded.definitions(), mine, b.publishedBy(), version);
    }

    /**
     * Publishes this host's definition files (a reload here) in place of the version this host read last. Null when
     * they are the cluster's now (or were already), else why not.
     */
    public synchronized String publish(DefinitionsLoader.Result local) throws CoordinationException {
        String digest = DefinitionsDigest.of(local.definitions());
        if (digest.equals(clusterDigest)) {
            if (retryAt != 0) {
                retryAt = System.nanoTime(); // refused here before: read again at the next poll
            }
            return null;
        }
        List<File> files = new ArrayList<>();
        for (Path f : local.files()) {
            try {
                files.add(new File(f.getFileName().toString(), Files.readString(f)));
            } catch (IOException e) {
                return "cannot read " + f + ": " + e.getMessage();
            }
        }
        byte[] data;
        try {
            data = encode(new Bundle(host, digest, files));
        } catch (IOException e) {
            return "the definitions cannot be encoded: " + e.getMessage();
        }
        if (data.length > SharedDocument.MAX_BYTES) {
            return "the definitions take " + data.length + " bytes compressed, more than ZooKeeper keeps in one "
                    + "document (" + SharedDocument.MAX_BYTES + ")";
        }
        if (!doc.write(seen, data)) {
            if (digest.equals(publishedDigest())) {
                return null; // another host published the same definitions first
            }
            return "the cluster's definitions changed meanwhile on another host; this host takes them at its next step: "
                    + "check them, then reload again";
        }
        return null;
    }

    /**
     * The definitions this host begins with: the cluster's when they are published (a host whose own files differ
     * says so: a reload here would publish its own); this host's files, published, when none are yet; this host's
     * files, unpublished, when the cluster's cannot be read here (its digest then differs, and it acts on nothing
     * new until they match).
     */
    public synchronized Definitions begin(DefinitionsLoader.Result local) throws CoordinationException {
        String own = DefinitionsDigest.of(local.definitions());
        Optional<Read> r = read();
        if (r.isEmpty()) {
            String why = publish(local);
            if (why == null) {
                LOG.info("this host's definitions (digest {}) are published as the cluster's", own);
            }
            r = read(); // what was published, by this host or by another first
            if (r.isEmpty()) {
                return local.definitions();
            }
        }
        switch (r.orElseThrow()) {
            case Read.Adopted a -> {
                if (!a.digest().equals(own)) {
                    LOG.warn("this host's definition files (digest {}) differ from the cluster's (digest {}, "
                            + "published by {}): the cluster's are used; a reload here publishes this host's", own,
                            a.digest(), a.publishedBy());
                }
                return a.definitions();
            }
            case Read.Refused f -> {
                LOG.error("{}; this host begins with its own files (digest {}) and acts on nothing new until the "
                        + "cluster's load here", f.why(), own);
                return local.definitions();
            }
        }
    }

    /** The digest of the published definitions, read now without taking them; empty when there are none. */
    private String publishedDigest() throws CoordinationException {
        return doc.read().map(v -> {
            try {
                return decode(v.value()).digest();
            } catch (IOException | IllegalArgumentException e) {
                return "";
            }
        }).orElse("");
    }

    /** Writes the bundle's files into {@link #dir}, in place of the last ones; the directory to load. */
    private Path write(Bundle b) throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*.xml")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        int i = 0;
        for (File f : b.files()) {
            Files.writeString(dir.resolve(String.format("%03d-%s", ++i, f.name())), f.text());
        }
        return dir;
    }

    static byte[] encode(Bundle b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            JSON.writeValue(z, b);
        }
        return out.toByteArray();
    }

    /** The bundle in {@code data}; a name that is not a plain file name, or more than {@link #MAX_TEXT}, is refused. */
    static Bundle decode(byte[] data) throws IOException {
        byte[] text;
        try (InputStream z = new GZIPInputStream(new ByteArrayInputStream(data))) {
            text = z.readNBytes(MAX_TEXT + 1);
        }
        if (text.length > MAX_TEXT) {
            throw new IllegalArgumentException("more than " + MAX_TEXT + " bytes once inflated");
        }
        Bundle b = JSON.readValue(text, Bundle.class);
        if (b.files() == null || b.digest() == null || b.publishedBy() == null) {
            throw new IllegalArgumentException("no files, digest or publisher");
        }
        for (File f : b.files()) {
            if (f.name() == null || f.text() == null || !f.name().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,200}\\.xml")) {
                throw new IllegalArgumentException("file name '" + f.name() + "' is not a plain name ending in .xml");
            }
        }
        return b;
    }
}
