package io.guestnode.agents.remote.message;

/** Element, attribute and value names of the executor protocol ({@code include/crm/lrmd.h}). */
public final class Lrmd {
    private Lrmd() {
    }

    public static final String COMMAND = "lrmd_command";
    public static final String REPLY = "lrmd_reply";
    public static final String NOTIFY = "lrmd_notify";
    public static final String IPC_PROXY = "lrmd_ipc_proxy";
    public static final String CALLDATA = "lrmd_calldata";
    public static final String RSC = "lrmd_rsc";
    public static final String RSC_OP = "lrmd_rsc_op";
    public static final String ATTRIBUTES = "attributes";
    public static final String PARAM = "param";

    public static final String TAGNAME = "__name__";
    public static final String TYPE = "t";
    public static final String TYPE_LRMD = "lrmd";
    public static final String OP = "lrmd_op";
    public static final String ORIGIN = "lrmd_origin";
    public static final String RC = "lrmd_rc";
    public static final String CALLID = "lrmd_callid";
    public static final String CALLOPTS = "lrmd_callopt";
    public static final String TIMEOUT = "lrmd_timeout";
    public static final String ASYNC_ID = "lrmd_async_id";
    public static final String CLIENTID = "lrmd_clientid";
    public static final String CLIENTNAME = "lrmd_clientname";
    public static final String PROTOCOL_VERSION = "lrmd_protocol_version";
    public static final String IS_IPC_PROVIDER = "lrmd_is_ipc_provider";
    public static final String MSG_ID = "lrmd_remote_msg_id";
    public static final String MSG_TYPE = "lrmd_remote_msg_type";

    public static final String RSC_ID = "lrmd_rsc_id";
    public static final String CLASS = "lrmd_class";
    public static final String PROVIDER = "lrmd_provider";
    public static final String RSC_TYPE = "lrmd_type";
    public static final String RSC_ACTION = "lrmd_rsc_action";
    public static final String RSC_USERDATA = "lrmd_rsc_userdata_str";
    public static final String RSC_INTERVAL = "lrmd_rsc_interval";
    public static final String RSC_START_DELAY = "lrmd_rsc_start_delay";
    public static final String RSC_DELETED = "lrmd_rsc_deleted";
    public static final String RSC_OUTPUT = "lrmd_rsc_output";
    public static final String RSC_EXIT_REASON = "lrmd_rsc_exit_reason";
    public static final String EXEC_RC = "lrmd_exec_rc";
    public static final String EXEC_OP_STATUS = "lrmd_exec_op_status";
    public static final String RUN_TIME = "lrmd_run_time";
    public static final String RCCHANGE_TIME = "lrmd_rcchange_time";
    public static final String EXEC_TIME = "lrmd_exec_time";
    public static final String QUEUE_TIME = "lrmd_queue_time";

    public static final String IPC_OP = "lrmd_ipc_op";
    public static final String IPC_SESSION = "lrmd_ipc_session";
    public static final String IPC_SERVER = "lrmd_ipc_server";
    public static final String IPC_OP_SHUTDOWN_REQ = "shutdown_req";
    public static final String IPC_OP_SHUTDOWN_ACK = "shutdown_ack";
    public static final String IPC_OP_SHUTDOWN_NACK = "shutdown_nack";

    public static final String MSG_REQUEST = "request";
    public static final String MSG_REPLY = "reply";
    public static final String MSG_NOTIFY = "notify";

    public static final String OP_REGISTER = "register";
    public static final String OP_POKE = "lrmd_rsc_poke";
    public static final String OP_CHECK = "lrmd_check";
    public static final String OP_RSC_REG = "lrmd_rsc_register";
    public static final String OP_RSC_INFO = "lrmd_rsc_info";
    public static final String OP_RSC_UNREG = "lrmd_rsc_unregister";
    public static final String OP_RSC_EXEC = "lrmd_rsc_exec";
    public static final String OP_RSC_CANCEL = "lrmd_rsc_cancel";
    public static final String OP_GET_RECURRING = "lrmd_get_recurring";
    public static final String OP_NEW_CLIENT = "lrmd_rsc_new_client";
    public static final String OP_IPC_FWD = "ipc_fwd";

    /**
     * The protocol version guestnode advertises. Servers accept any 1.x (they check the major version only);
     * 2.1.8 and later, 3.0 included, answer 1.2, and would ask a provider that advertised 1.2 for CIB schema
     * files.
     */
    public static final String PROTOCOL_VERSION_VALUE = "1.1";
    /** Feature set the controller of Pacemaker 2.1.5 sends with every operation. */
    public static final String FEATURE_SET = "3.16.2";

    /** Call option: notify only the client that asked. */
    public static final int OPT_NOTIFY_ORIG_ONLY = 0x2;
    /** Call option on resource registration: drop recurring operations when the last client leaves. */
    public static final int OPT_DROP_RECURRING = 0x3;
    /** Call option on exec: for recurring operations, notify only changes. */
    public static final int OPT_NOTIFY_CHANGES_ONLY = 0x4;
}
