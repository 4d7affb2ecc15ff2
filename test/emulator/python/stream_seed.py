"""The Stream seed calls, made with stream-chat-python (the sync client) against the emulator.

Run by stream-python.test.ts. Reads STREAM_BASE_URL / STREAM_API_KEY / STREAM_API_SECRET and the
directory holding the `stream_chat` package from argv[1]; prints one JSON object of what it saw.
"""
import importlib.util
import json
import os
import sys
import types


def load_stream_chat(sdk_dir):
    # stream_chat/__init__.py also imports the async client (aiohttp, aiodns, aiofile); the seed calls
    # need only the sync one (requests + PyJWT), so the package is registered without running __init__.
    package = types.ModuleType("stream_chat")
    package.__path__ = [os.path.join(sdk_dir, "stream_chat")]
    sys.modules["stream_chat"] = package
    from stream_chat.client import StreamChat  # noqa: E402

    return StreamChat


def main():
    StreamChat = load_stream_chat(sys.argv[1])
    client = StreamChat(os.environ["STREAM_API_KEY"], os.environ["STREAM_API_SECRET"], base_url=os.environ["STREAM_BASE_URL"])
    out = {}

    # User tokens (signed locally) and user upsert, a batch and a single one.
    out["token"] = client.create_token("john")
    client.upsert_users([
        {"id": "john", "role": "admin", "name": "John"},
        {"id": "alice", "name": "Alice", "favorite_color": "green"},
        {"id": "bob", "name": "Bob"},
    ])
    client.upsert_user({"id": "carol", "role": "user"})
    out["users"] = [u["id"] for u in client.query_users({"id": {"$in": ["john", "alice", "bob", "carol"]}}, {"id": 1})["users"]]

    # Channel create and update (custom fields), members, moderators. "dojo" is older and stays quiet.
    client.channel("messaging", "dojo", {"members": ["alice"]}).create("john")
    channel = client.channel("messaging", "kung-fu", {"name": "Kung Fu", "image": "https://example.com/kf.png", "belt": "black"})
    channel.create("john")
    channel.update({"name": "Kung Fu 2", "color": "blue"}, update_message={"text": "renamed", "user_id": "john"})
    channel.update_partial({"topic": "forms"}, ["color"])
    channel.add_members(["alice", "bob", "carol"])
    channel.add_moderators(["alice"])
    channel.demote_moderators(["alice"])
    channel.add_moderators(["bob"])
    channel.remove_members(["carol"])
    out["members"] = sorted([m["user_id"], m["channel_role"]] for m in channel.query_members({}))

    # A message with an attachment, a mention and a custom field; a reply; a partial update.
    sent = channel.send_message({
        "text": "@alice look at this",
        "attachments": [{"type": "image", "image_url": "https://example.com/a.png", "camera": "leica"}],
        "mentioned_users": ["alice"],
        "priority": "high",
    }, "john")
    message_id = sent["message"]["id"]
    channel.send_message({"text": "nice", "parent_id": message_id}, "alice")
    client.update_message_partial(message_id, {"set": {"priority": "urgent"}}, "john")
    got = client.get_message(message_id)["message"]
    out["message"] = {
        "user": got["user"]["id"],
        "attachments": got["attachments"],
        "mentioned": [u["id"] for u in got["mentioned_users"]],
        "priority": got["priority"],
        "reply_count": got["reply_count"],
    }

    state = channel.query(messages={"limit": 10})
    out["channel"] = {k: state["channel"].get(k) for k in ("cid", "name", "image", "belt", "topic", "color")}
    out["texts"] = [m["text"] for m in state["messages"]]
    out["channels_default_sort"] = [c["channel"]["id"] for c in client.query_channels({"members": {"$in": ["alice"]}})["channels"]]
    out["search"] = [r["message"]["text"] for r in client.search({"cid": "messaging:kung-fu"}, "look")["results"]]

    # Delete for me (body-borne), then a soft user delete.
    client.delete_message(message_id, delete_for_me=True, deleted_by="alice")
    out["after_delete_for_me"] = client.get_message(message_id)["message"]["type"]
    out["deleted_user"] = bool(client.delete_user("carol")["user"].get("deleted_at"))

    # What Stream refuses: a user id with a space.
    try:
        client.upsert_user({"id": "john doe"})
        out["bad_id"] = "accepted"
    except Exception as err:  # StreamAPIException
        out["bad_id"] = getattr(err, "status_code", str(err))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
