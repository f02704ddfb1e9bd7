using System.Net;
using System.Net.Sockets;

namespace MachineGrid.Silo;

/// <summary>The address a silo advertises and the ports it listens on, checked free before Orleans tries to bind them.</summary>
internal sealed record SiloEndpoints(IPAddress Advertised, bool ListenOnAnyAddress, int SiloPort, int GatewayPort)
{
    public static SiloEndpoints Resolve(SiloSettings settings)
    {
        var advertised = string.IsNullOrWhiteSpace(settings.AdvertisedAddress) ? IPAddress.Loopback : ResolveAddress(settings.AdvertisedAddress.Trim());
        var listenOnAny = !string.IsNullOrWhiteSpace(settings.AdvertisedAddress);
        var listenOn = listenOnAny ? IPAddress.Any : IPAddress.Loopback;
        var siloPort = Port(settings.SiloPort, "--silo-port", "MachineGrid:SiloPort", listenOn);
        var gatewayPort = Port(settings.GatewayPort, "--gateway-port", "MachineGrid:GatewayPort", listenOn);
        if (siloPort == gatewayPort)
        {
            throw new SiloStartupException($"The silo port and the gateway port are both {siloPort}: give them different ports.");
        }
        return new SiloEndpoints(advertised, listenOnAny, siloPort, gatewayPort);
    }

    private static IPAddress ResolveAddress(string address)
    {
        if (IPAddress.TryParse(address, out var ip))
        {
            return ip;
        }
        try
        {
            return Dns.GetHostAddresses(address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? throw new SiloStartupException($"The advertised address '{address}' (--advertised-address) has no IPv4 address.");
        }
        catch (SocketException e)
        {
            throw new SiloStartupException($"The advertised address '{address}' (--advertised-address) cannot be resolved: {e.Message}");
        }
    }

    private static int Port(int port, string option, string key, IPAddress listenOn)
    {
        if (port is < 0 or > IPEndPoint.MaxPort)
        {
            throw new SiloStartupException($"{option} ({key}) is {port}: give a port from 1 to {IPEndPoint.MaxPort}, or 0 for a free one.");
        }
        var listener = new TcpListener(listenOn, port);
        try
        {
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            var why = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "is already in use" : "may not be opened by this user";
            throw new SiloStartupException(
                $"Port {port} on {listenOn} {why}: another silo or program holds it. Give this silo another port with {option} (or {key}), or 0 for a free one.");
        }
        finally
        {
            listener.Stop();
        }
    }
}
