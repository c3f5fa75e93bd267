package io.guestnode.operator.faults;

import io.guestnode.operator.faults.FaultMatrix.Line;
import java.util.ArrayList;
import java.util.List;

/** The matrix as a plain-text table with aligned columns; long cells wrap within their column. */
final class Table {
    static final String[] HEADER = {"fault", "expected", "deadline", "observed", "pass"};
    static final int[] WIDTH = {28, 44, 30, 64, 7};

    private Table() {
    }

    static String render(List<Line> lines) {
        StringBuilder out = new StringBuilder();
        row(out, HEADER);
        StringBuilder rule = new StringBuilder();
        for (int w : WIDTH) {
            rule.append("-".repeat(w)).append("  ");
        }
        out.append(rule.toString().stripTrailing()).append('\n');
        for (Line l : lines) {
            row(out, new String[] {l.row().name(), l.row().expected(), l.row().deadline(), l.result().observed(),
                l.result().verdict()});
        }
        long passed = lines.stream().filter(l -> l.result().passed()).count();
        out.append('\n').append(passed).append(" of ").append(lines.size()).append(" rows passed.\n");
        out.append("Covered by the agents' tests, not rows here (a fake remoted cannot stand in a guest without "
                + "its key):\n");
        FaultMatrix.COVERED_ELSEWHERE.forEach(c -> out.append("  - ").append(c).append('\n'));
        return out.toString();
    }

    private static void row(StringBuilder out, String[] cells) {
        List<List<String>> wrapped = new ArrayList<>();
        int height = 1;
        for (int i = 0; i < cells.length; i++) {
            List<String> w = wrap(cells[i], WIDTH[i]);
            wrapped.add(w);
            height = Math.max(height, w.size());
        }
        for (int line = 0; line < height; line++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                String part = line < wrapped.get(i).size() ? wrapped.get(i).get(line) : "";
                b.append(part).append(" ".repeat(WIDTH[i] - part.length() + 2));
            }
            out.append(b.toString().stripTrailing()).append('\n');
        }
    }

    /** Breaks text into lines of at most {@code width} characters, at spaces where it can. */
    static List<String> wrap(String text, int width) {
        List<String> out = new ArrayList<>();
        String rest = text.strip();
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= 0) {
                cut = width;
            }
            out.add(rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).strip();
        }
        out.add(rest);
        return out;
    }
}
