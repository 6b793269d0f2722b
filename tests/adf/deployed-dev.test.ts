import { deployedConfigurationSuite } from "./deployed-suite";

deployedConfigurationSuite("dev");
