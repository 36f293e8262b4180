namespace OAuth2Capture.DevProvider; internal static class Placeholder {}
