package io.guestnode.agents.remote.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;

/** Requests as the C client lays them out, and the captured replies and notifications. */
class MessagesTest {

    @Test
    void registerMatchesTheCapture() {
        String expected = "<lrmd_command t=\"lrmd\" lrmd_op=\"register\" lrmd_clientname=\"pacemaker-remote-guest1:3121\""
                + " lrmd_protocol_version=\"1.1\" lrmd_is_ipc_provider=\"true\" lrmd_remote_msg_id=\"1\""
                + " lrmd_remote_msg_type=\"request\"/>";
        assertEquals(expected, XmlCodec.write(Requests.register(1, "pacemaker-remote-guest1:3121", true)));
        assertFalse(XmlCodec.write(Requests.register(1, "x", false)).contains("ipc_provider"));
    }

    /**
     * The controller's answers to {@code shutdown_req}: {@code remote_proxy_ack_shutdown} and
     * {@code remote_proxy_nack_shutdown} create the element with only {@code lrmd_ipc_op}; sending it through
     * the proxy adds {@code lrmd_op="ipc_fwd"}, then the message id and type.
     */
    @Test
    void shutdownAnswersAreLaidOutAsTheControllerSendsThem() {
        assertEquals("<lrmd_ipc_proxy lrmd_ipc_op=\"shutdown_ack\" lrmd_op=\"ipc_fwd\" lrmd_remote_msg_id=\"7\""
                + " lrmd_remote_msg_type=\"request\"/>", XmlCodec.write(Requests.shutdownAnswer(7, ShutdownAnswer.ACK)));
        assertEquals("<lrmd_ipc_proxy lrmd_ipc_op=\"shutdown_nack\" lrmd_op=\"ipc_fwd\" lrmd_remote_msg_id=\"8\""
                + " lrmd_remote_msg_type=\"request\"/>", XmlCodec.write(Requests.shutdownAnswer(8, ShutdownAnswer.NACK)));
    }

    @Test
    void registerReplyOfPacemaker3IsAccepted() throws Exception {
        // captured from pacemaker-remoted 3.0.0 (Debian 13): protocol 1.2, and uptime, which 2.1.5 does not send
        String reply = "<lrmd_reply lrmd_origin=\"process_lrmd_signon\" lrmd_rc=\"0\" lrmd_callid=\"1\""
                + " lrmd_op=\"register\" lrmd_clientid=\"07c79003-7a21-4952-aa6f-b2cb830d5256\""
                + " lrmd_protocol_version=\"1.2\" uptime=\"2\" lrmd_remote_msg_id=\"1\""
                + " lrmd_remote_msg_type=\"reply\"/>";
        Reply r = assertInstanceOf(Reply.class, Messages.decode(XmlCodec.parse(reply)));
        assertEquals(1, r.msgId());
        assertEquals(0, r.rc());
        assertEquals(Lrmd.OP_REGISTER, r.op());
        assertEquals("1.2", r.xml().attr(Lrmd.PROTOCOL_VERSION));
    }

    @Test
    void shutdownRequestIsTheSameFromBothVersions() throws Exception {
        // captured from 2.1.5 and 3.0.0 alike
        String req = "<lrmd_ipc_proxy lrmd_ipc_op=\"shutdown_req\" lrmd_ipc_session=\"0\" lrmd_remote_msg_id=\"0\""
                + " lrmd_remote_msg_type=\"notify\"/>";
        Notification.IpcProxy n = assertInstanceOf(Notification.IpcProxy.class, Messages.decode(XmlCodec.parse(req)));
        assertTrue(n.shutdownRequest());
    }

    @Test
    void pokeMatchesTheCaptureButForOrigin() {
        String expected = "<lrmd_command __name__=\"lrmd_command\" t=\"lrmd\" "
                + "lrmd_async_id=\"94fa694a-fc6e-4ba9-9c53-58a21b9ad6e4\" lrmd_op=\"lrmd_rsc_poke\" lrmd_timeout=\"0\" "
                + "lrmd_callopt=\"0\" lrmd_remote_msg_id=\"2\" lrmd_remote_msg_type=\"request\"><lrmd_calldata>"
                + "<lrmd_rsc lrmd_origin=\"guestnode\"/></lrmd_calldata></lrmd_command>";
        assertEquals(expected, XmlCodec.write(Requests.poke(2, "94fa694a-fc6e-4ba9-9c53-58a21b9ad6e4")));
    }

    @Test
    void execMatchesTheCapture() {
        SequencedMap<String, String> p = new LinkedHashMap<>();
        p.put("state", "/run/dummy1.state");
        ExecRequest r = ExecRequest.of("dummy1", "start", 0, 20000, p);
        String expected = "<lrmd_command __name__=\"lrmd_command\" t=\"lrmd\" "
                + "lrmd_async_id=\"94fa694a-fc6e-4ba9-9c53-58a21b9ad6e4\" lrmd_op=\"lrmd_rsc_exec\" "
                + "lrmd_timeout=\"20000\" lrmd_callopt=\"4\" lrmd_remote_msg_id=\"33\" lrmd_remote_msg_type=\"request\">"
                + "<lrmd_calldata><lrmd_rsc lrmd_origin=\"guestnode\" lrmd_rsc_id=\"dummy1\" lrmd_rsc_action=\"start\" "
                + "lrmd_rsc_userdata_str=\"dummy1_start_0\" lrmd_rsc_interval=\"0\" lrmd_timeout=\"20000\" "
                + "lrmd_rsc_start_delay=\"0\"><attributes state=\"/run/dummy1.state\" CRM_meta_timeout=\"20000\" "
                + "crm_feature_set=\"3.16.2\"/></lrmd_rsc></lrmd_calldata></lrmd_command>";
        assertEquals(expected, XmlCodec.write(Requests.exec(33, "94fa694a-fc6e-4ba9-9c53-58a21b9ad6e4", r)));
    }

    @Test
    void recurringExecCarriesTheInterval() {
        String x = XmlCodec.write(Requests.exec(5, "c", ExecRequest.of("d", "monitor", 10000, 20000,
                new LinkedHashMap<>())));
        assertTrue(x.contains("CRM_meta_interval=\"10000\""), x);
        assertTrue(x.contains("lrmd_rsc_interval=\"10000\""), x);
    }

    @Test
    void parametersThatAreNotXmlNamesBecomeParamChildren() {
        SequencedMap<String, String> p = new LinkedHashMap<>();
        p.put("ok", "1");
        p.put("1bad", "a<b\"c\n");
        XmlElement attrs = Messages.attributes(p);
        String x = XmlCodec.write(attrs);
        assertEquals("<attributes ok=\"1\"><param name=\"1bad\" value=\"a&lt;b&quot;c&#10;\"/></attributes>", x);
        assertEquals(Map.of("ok", "1", "1bad", "a<b\"c\n"), Messages.parameters(attrs));
    }

    @Test
    void capturedExecResultDecodes() throws Exception {
        String captured = "<lrmd_notify lrmd_origin=\"send_cmd_complete_notify\" lrmd_timeout=\"20000\" "
                + "lrmd_rsc_interval=\"0\" lrmd_rsc_start_delay=\"0\" lrmd_exec_rc=\"7\" lrmd_exec_op_status=\"0\" "
                + "lrmd_callid=\"32\" lrmd_rsc_deleted=\"0\" lrmd_run_time=\"1795317597\" "
                + "lrmd_rcchange_time=\"1795317597\" lrmd_exec_time=\"7\" lrmd_queue_time=\"0\" "
                + "lrmd_op=\"lrmd_rsc_exec\" lrmd_rsc_id=\"dummy1\" lrmd_rsc_action=\"monitor\" "
                + "lrmd_rsc_userdata_str=\"dummy1_monitor_0\" lrmd_remote_msg_id=\"0\" lrmd_remote_msg_type=\"notify\">"
                + "<attributes state=\"/run/dummy1.state\" CRM_meta_timeout=\"20000\" crm_feature_set=\"3.16.2\"/>"
                + "</lrmd_notify>";
        Notification.Exec n = assertInstanceOf(Notification.Exec.class, Messages.decode(XmlCodec.parse(captured)));
        ExecResult r = n.result();
        assertEquals(32, r.callId());
        assertEquals("dummy1", r.resourceId());
        assertEquals("monitor", r.action());
        assertEquals(OcfExit.NOT_RUNNING, r.rc());
        assertEquals(ExecStatus.DONE, r.status());
        assertEquals(7, r.execTimeMs());
        assertEquals("dummy1_monitor_0", r.userData());
        assertEquals("/run/dummy1.state", r.parameters().get("state"));
        assertTrue(r.is(OcfExit.NOT_RUNNING));
    }

    @Test
    void capturedRepliesAndNotificationsDecode() throws Exception {
        Reply reply = assertInstanceOf(Reply.class, Messages.decode(XmlCodec.parse(
                "<lrmd_reply lrmd_origin=\"process_lrmd_signon\" lrmd_rc=\"0\" lrmd_callid=\"1\" lrmd_op=\"register\" "
                        + "lrmd_clientid=\"94fa694a-fc6e-4ba9-9c53-58a21b9ad6e4\" lrmd_protocol_version=\"1.1\" "
                        + "lrmd_remote_msg_id=\"1\" lrmd_remote_msg_type=\"reply\"/>")));
        assertEquals(1, reply.msgId());
        assertEquals(0, reply.rc());
        assertEquals("register", reply.op());
        Notification.Poke poke = assertInstanceOf(Notification.Poke.class, Messages.decode(XmlCodec.parse(
                "<lrmd_notify lrmd_origin=\"send_generic_notify\" lrmd_rc=\"0\" lrmd_callid=\"2\" "
                        + "lrmd_op=\"lrmd_rsc_poke\" lrmd_remote_msg_id=\"0\" lrmd_remote_msg_type=\"notify\"/>")));
        assertEquals(2, poke.callId());
        assertInstanceOf(Notification.NewClient.class, Messages.decode(XmlCodec.parse(
                "<lrmd_notify lrmd_origin=\"notify_of_new_client\" lrmd_op=\"lrmd_rsc_new_client\" "
                        + "lrmd_remote_msg_id=\"0\" lrmd_remote_msg_type=\"notify\"/>")));
        Notification.IpcProxy sd = assertInstanceOf(Notification.IpcProxy.class, Messages.decode(XmlCodec.parse(
                "<lrmd_ipc_proxy lrmd_ipc_op=\"shutdown_req\" lrmd_ipc_session=\"0\" lrmd_remote_msg_id=\"0\" "
                        + "lrmd_remote_msg_type=\"notify\"/>")));
        assertTrue(sd.shutdownRequest());
    }

    @Test
    void recurringReplyIsListed() throws Exception {
        XmlElement x = XmlCodec.parse("<lrmd_reply lrmd_rc=\"0\" lrmd_remote_msg_id=\"9\"><lrmd_rsc lrmd_rsc_id=\"d\">"
                + "<lrmd_rsc_op lrmd_rsc_action=\"monitor\" lrmd_rsc_interval=\"10000\" lrmd_timeout=\"20000\"/>"
                + "</lrmd_rsc></lrmd_reply>");
        assertEquals(List.of(new RecurringOp("d", "monitor", 10000, 20000)), Messages.recurringOps(x));
    }

    @Test
    void unknownTopElementIsRejected() {
        assertThrows(MessageException.class, () -> Messages.decode(XmlCodec.parse("<html/>")));
        assertThrows(MessageException.class, () -> Messages.decode(XmlCodec.parse("<lrmd_reply lrmd_rc=\"0\"/>")));
    }
}
