"""The ACS chat quickstart, made with azure-communication-identity and -chat for Python against the emulator.

Run by acs-python.test.ts. Reads ACS_CONNECTION_STRING and ACS_CA_PATH (the emulator's self-signed
certificate, trusted through connection_verify); prints one JSON object of what it saw.
"""
import json
import os
from datetime import datetime, timezone

from azure.communication.chat import ChatClient, ChatParticipant, CommunicationTokenCredential
from azure.communication.identity import CommunicationIdentityClient, CommunicationUserIdentifier


def main():
    conn = os.environ["ACS_CONNECTION_STRING"]
    ca = os.environ["ACS_CA_PATH"]
    # The chat client does not pass connection_verify down to its transport; requests reads this instead.
    os.environ["REQUESTS_CA_BUNDLE"] = ca
    endpoint = conn.split("endpoint=", 1)[1].split(";", 1)[0]
    identity = CommunicationIdentityClient.from_connection_string(conn, connection_verify=ca)
    out = {}

    # Create a user and a token (no expiry given: the SDK sends expiresInMinutes null), and a second user.
    user, token = identity.create_user_and_token(["chat"])
    bob = identity.create_user()
    bob_token = identity.get_token(bob, ["chat"])
    out["users"] = [user.properties["id"], bob.properties["id"]]

    chat = ChatClient(endpoint, CommunicationTokenCredential(token.token))
    created = chat.create_chat_thread("Quickstart", thread_participants=[ChatParticipant(identifier=user, display_name="Alice")])
    thread_id = created.chat_thread.id
    thread = chat.get_chat_thread_client(thread_id)
    out["topic"] = thread.get_properties().topic

    first = thread.send_message("Hello, world!", sender_display_name="Alice")
    thread.send_message("<b>bold</b>", chat_message_type="html", sender_display_name="Alice")
    now = datetime.now(timezone.utc)
    thread.add_participants([ChatParticipant(identifier=bob, display_name="Bob", share_history_time=now)])
    thread.send_message("after Bob joined", sender_display_name="Alice")
    out["participants"] = sorted(p.display_name or "" for p in thread.list_participants())

    out["messages"] = [m.content.message for m in thread.list_messages() if m.type in ("text", "html")][::-1]
    bob_chat = ChatClient(endpoint, CommunicationTokenCredential(bob_token.token))
    bob_thread = bob_chat.get_chat_thread_client(thread_id)
    out["bob_sees"] = [m.content.message for m in bob_thread.list_messages() if m.type == "text"][::-1]

    thread.send_read_receipt(first.id)
    out["read_receipts"] = [r.chat_message_id for r in thread.list_read_receipts()]
    thread.send_typing_notification(sender_display_name="Alice")
    thread.update_topic("Quickstart, renamed")
    thread.remove_participant(bob)
    out["after_remove"] = sorted(p.display_name or "" for p in thread.list_participants())
    out["threads"] = [t.id for t in chat.list_chat_threads()]
    out["thread_id"] = thread_id
    print(json.dumps(out))


if __name__ == "__main__":
    main()
