using OAuth2Capture.DevProvider.Host;

var app = DevProviderHost.Build(args);
await app.StartAsync();
Console.WriteLine(DevProviderHost.Describe(app));
await app.WaitForShutdownAsync();
