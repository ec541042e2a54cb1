/** Local SMTP catcher for `npm start` and tests. See README.md here. */
export { startMailCatcher, toNewMessage } from "./catcher";
export type { MailCatcher, MailCatcherOptions } from "./catcher";
export { isAddressedTo, MailStore, summarize } from "./store";
export type { CaughtMessage, MailAddress, MailAttachmentInfo, MessageSummary } from "./store";
export { createMailWebApp, escapeHtml } from "./web";
