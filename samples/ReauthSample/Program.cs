using ReauthSample;

var app = ReauthSampleApp.Build(args);
await app.StartAsync();
Console.WriteLine();
Console.WriteLine($"ReauthSample is running. Open {ReauthSampleApp.PublicUrl(app)} in a browser");
Console.WriteLine("and sign in as Alice or Bob (demo users, no password). Press Ctrl+C to stop.");
Console.WriteLine();
await app.WaitForShutdownAsync();
