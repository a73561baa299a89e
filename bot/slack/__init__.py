"""The Slack adapter: slack-bolt's AsyncApp over the neutral router, and a Messenger for outbound sends."""
