import { deployedConfigurationSuite } from "./deployed-suite";

deployedConfigurationSuite("prod");
