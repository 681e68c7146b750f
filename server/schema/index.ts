// Imports every schema file so their types register with the builder.
import './scalars.js';
import './errors.js';
import './clinical-system.js';
import './practice.js';
import './patient.js';
import './clinical-items.js';
import './record-sections.js';
import './scheduling.js';
import './viewer.js';
import './client-app.js';
import './supplier.js';
import './enablement.js';
import './audit.js';
import './appointment-management.js';
import './events.js';
import './webhooks.js';
