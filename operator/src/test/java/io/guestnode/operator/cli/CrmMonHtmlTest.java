package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** status --output-as=html: crm_mon's sections as headings and lists, every text escaped. */
class CrmMonHtmlTest {
    @Test
    void theSectionsOfTheTextStatusWithEveryTextEscaped() {
        String html = CrmMonHtml.of(CrmMonXmlTest.view(), "guestnode 1.2.3", 0);
        assertTrue(html.startsWith("<!DOCTYPE html>\n<html>"), html);
        for (String h : new String[] {"<h2>Cluster Summary</h2>", "<h2>Node List</h2>",
            "<h2>Full List of Resources</h2>", "<h2>Failed Resource Actions</h2>"}) {
            assertTrue(html.contains(h), h + " in\n" + html);
        }
        assertTrue(html.contains("<li><span class=\"online\">web\t(ocf:pacemaker:Dummy):\t Started lg1</span></li>"),
                html);
        // a guest's failure reason is text, never markup
        assertTrue(html.contains("not &quot;running&quot; &lt;at all&gt; &amp; more"), html);
        assertFalse(html.contains("<at all>"), html);
        assertFalse(html.contains("http-equiv=\"refresh\""), "no refresh when printed");
        assertTrue(CrmMonHtml.of(CrmMonXmlTest.view(), "v", 5).contains("<meta http-equiv=\"refresh\" content=\"5\">"));
        assertTrue(CrmMonHtml.escape("<script>alert('x')</script>").equals(
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    }
}
