import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * AWS's DynamoDB Local (from amplify-dynamodb-simulator), in memory, on loopback only. Its own
 * command line binds every interface and needs a port chosen in advance; this binds 127.0.0.1 on
 * the port given (0: the kernel picks a free one, no race), prints it, and exits when its standard
 * input closes, so it never outlives the Node process that started it.
 *
 * Usage: java -Djava.library.path=<emulator>/DynamoDBLocal_lib -cp <emulator>/DynamoDBLocal.jar LoopbackDynamoDbLocal.java <port>
 */
public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    // -sharedDb: one database whatever the credentials and region, as one AWS account sees one
    // table whichever role calls it. The -port here is replaced below (it must lie in 1..65535).
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(
        new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", "65535"});
    Field jetty = DynamoDBProxyServer.class.getDeclaredField("server");
    jetty.setAccessible(true);
    ServerConnector connector = (ServerConnector) ((Server) jetty.get(proxy)).getConnectors()[0];
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    proxy.start();
    System.out.println("dynamodb-local-port=" + connector.getLocalPort());
    while (System.in.read() != -1) {}
    proxy.stop();
    System.exit(0);
  }
}
