import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * Creates, updates or deletes SCRAM-SHA-512 credentials (KRaft keeps them in the metadata log) through the Kafka
 * admin API. Passwords are read from stdin, never from the command line, so they do not show in the process list.
 *
 * java -cp '<kafka libs>/*' deploy/kafka/ScramUsers.java <bootstrap> [client.properties] < requests
 *
 * Each stdin line is "upsert <user> <password>" or "delete <user>". client.properties (optional) holds the admin
 * connection's settings (security.protocol, sasl.mechanism, sasl.jaas.config) when the admin is not on a super-user
 * listener.
 */
public class ScramUsers {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ScramUsers <bootstrap> [client.properties] < requests");
      System.exit(2);
    }
    Properties props = new Properties();
    if (args.length > 1) {
      try (var in = new java.io.FileInputStream(args[1])) {
        props.load(in);
      }
    }
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    List<UserScramCredentialAlteration> changes = new ArrayList<>();
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = stdin.readLine()) != null) {
      if (line.isBlank()) continue;
      String[] parts = line.split(" ", 3);
      if (parts[0].equals("upsert") && parts.length == 3) {
        changes.add(
            new UserScramCredentialUpsertion(
                parts[1], new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), parts[2]));
      } else if (parts[0].equals("delete") && parts.length >= 2) {
        changes.add(new UserScramCredentialDeletion(parts[1], ScramMechanism.SCRAM_SHA_512));
      } else {
        System.err.println("bad request line (expected \"upsert <user> <password>\" or \"delete <user>\")");
        System.exit(2);
      }
    }
    try (Admin admin = Admin.create(props)) {
      admin.alterUserScramCredentials(changes).all().get();
    }
  }
}
